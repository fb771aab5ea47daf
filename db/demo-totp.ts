/**
 * The demo staff's TOTP secret (base32; issue 21), given in the README so that people trying
 * the demo and the UI test suites can compute codes. Only the demo seed uses it: a deployment
 * has no demo accounts, and its staff enrol their own secret at first sign-in. No imports, so
 * test helpers can read it without the seed.
 */
export const DEMO_TOTP_SECRET = 'SWITCHBOARDDEMOSTAFFTOTPSECRET22';
