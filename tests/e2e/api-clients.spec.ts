import { expect, test } from './fixtures';
import { expectNoAxeViolations, signIn } from './helpers';

/**
 * An admin creates an API client, the secret is shown once and works at the token endpoint,
 * the client reads the catalog, and revoking it ends its token.
 */
test('admin creates an API client, uses it, and revokes it', async ({ page }) => {
  await signIn(page, 'admin@example.com');
  await page.getByRole('link', { name: 'API clients' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API clients' })).toBeVisible();
  await expectNoAxeViolations(page);

  const name = `E2E CRM ${Date.now().toString(36)}`;
  await page.getByLabel('Name').fill(name);
  await page.getByRole('checkbox', { name: /catalog\.read/ }).check();
  await page.getByRole('button', { name: 'Create API client' }).click();
  await expect(page.getByTestId('api-client-message')).toHaveAttribute('data-status', 'success');
  const clientId = (await page.getByTestId('api-client-id').textContent())!.trim();
  const clientSecret = (await page.getByTestId('api-client-secret').textContent())!.trim();
  expect(clientId).toMatch(/^sbc_/);
  expect(clientSecret).toMatch(/^sbs_/);
  await expectNoAxeViolations(page);

  const token = await page.request.post('/api/oauth/token', {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
  });
  expect(token.status()).toBe(200);
  const { access_token: accessToken, scope } = (await token.json()) as { access_token: string; scope: string };
  expect(scope).toBe('catalog.read');
  const offerings = await page.request.get('/tmf-api/productCatalogManagement/v4/productOffering?fields=name', {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(offerings.status()).toBe(200);

  // After a reload the secret is gone from the page; the client is listed with its scopes.
  await page.reload();
  await expect(page.getByTestId('api-client-secret')).toHaveCount(0);
  const row = page.locator(`[data-testid="api-client"][data-client-id="${clientId}"]`);
  await expect(row).toContainText('catalog.read');
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  // The list is rendered again: the client shows as revoked, without its buttons.
  await expect(row).toHaveAttribute('data-status', 'revoked');
  await expect(row.getByRole('button')).toHaveCount(0);
  const after = await page.request.get('/tmf-api/productCatalogManagement/v4/productOffering', {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(after.status()).toBe(401);
});
