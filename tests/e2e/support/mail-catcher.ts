/**
 * The browser suite's SMTP server (started by playwright.config.ts beside `next start`): a real
 * SMTP server on E2E_SMTP_PORT that keeps every message, and GET /messages on E2E_MAIL_PORT
 * for the tests to read them (JSON: to, subject, text, html, event id, attachment names).
 */
import http from 'node:http';
import { startSmtpCatcher } from '../../support/smtp';

const smtpPort = Number(process.env.E2E_SMTP_PORT);
const httpPort = Number(process.env.E2E_MAIL_PORT);
if (!smtpPort || !httpPort) throw new Error('E2E_SMTP_PORT and E2E_MAIL_PORT must be set');

const catcher = await startSmtpCatcher({ port: smtpPort });
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/messages') {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify(
        catcher.messages.map((m) => ({
          ...m,
          attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
        })),
      ),
    );
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.listen(httpPort, '127.0.0.1', () =>
  console.log(`mail catcher: SMTP on ${smtpPort}, messages at http://127.0.0.1:${httpPort}/messages`),
);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => void catcher.close().then(() => process.exit(0)));
