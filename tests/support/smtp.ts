/**
 * A real SMTP server for tests (the smtp-server package on a free loopback port): every
 * message it accepts is parsed (mailparser) and kept. `refuse` makes it answer each
 * recipient with a temporary failure (451) while it returns true, like a relay that is down.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  eventId: string | undefined;
  messageId: string | undefined;
  attachments: { filename: string; contentType: string; size: number; content: Buffer }[];
}

export interface SmtpCatcher {
  port: number;
  url: string;
  messages: CaughtMail[];
  /** Recipients refused so far. */
  refusals: number;
  close(): Promise<void>;
}

function toCaught(m: ParsedMail): CaughtMail {
  const to = (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
  const eventId = m.headers.get('x-switchboard-event-id');
  return {
    to,
    subject: m.subject ?? '',
    text: m.text ?? '',
    html: typeof m.html === 'string' ? m.html : '',
    eventId: typeof eventId === 'string' ? eventId : undefined,
    messageId: m.messageId,
    attachments: m.attachments.map((a) => ({
      filename: a.filename ?? '',
      contentType: a.contentType,
      size: a.size,
      content: a.content,
    })),
  };
}

export async function startSmtpCatcher(
  opts: {
    port?: number;
    refuse?: () => boolean;
    onMessage?: (m: CaughtMail) => void /** Holds each message this long before accepting it (a slow relay). */;
    delayMs?: number;
  } = {},
): Promise<SmtpCatcher> {
  const catcher: SmtpCatcher = { port: 0, url: '', messages: [], refusals: 0, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (opts.refuse?.()) {
        catcher.refusals++;
        const err = new Error('Try again later') as Error & { responseCode: number };
        err.responseCode = 451;
        cb(err);
        return;
      }
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          const c = toCaught(m);
          const accept = () => {
            catcher.messages.push(c);
            opts.onMessage?.(c);
            cb();
          };
          if (opts.delayMs) setTimeout(accept, opts.delayMs);
          else accept();
        })
        .catch((e: Error) => cb(e));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.server.address();
  catcher.port = typeof addr === 'object' && addr ? addr.port : 0;
  catcher.url = `smtp://127.0.0.1:${catcher.port}`;
  catcher.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return catcher;
}
