import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { jobsConfig } from '@/lib/config';
import type { OutgoingDelivery } from '../outbox';
import { renderEventMail } from './templates';
import { unsealLinkToken } from '../account-links-seal';
import { renderBillPdfById } from '../bill-pdf';
import { getDb } from '../db';

/**
 * Email out of the outbox. With SMTP_URL: nodemailer over SMTP (a pooled connection). Without
 * it (demo and test runs): each message is kept as an .eml file under DATA_DIR/mail, with a
 * small .json beside it for the admin's mail page; nothing leaves the machine.
 *
 * Every message carries the event id twice: a Message-ID made from it, and an
 * X-Switchboard-Event-Id header, so a repeat after a crash can be recognised and dropped.
 */
export const EVENT_ID_HEADER = 'X-Switchboard-Event-Id';

/** The bill's PDF for a "bill issued" email (bills are immutable, so a retry attaches the same file). */
async function attachmentsFor(d: OutgoingDelivery): Promise<Mail.Attachment[]> {
  if (d.event.type !== 'bill_issued') return [];
  const pdf = await renderBillPdfById(await getDb(), Number(d.event.payload.billId));
  if (!pdf) throw new Error(`bill ${String(d.event.payload.billId)} not found`);
  return [{ filename: pdf.filename, content: pdf.pdf, contentType: 'application/pdf' }];
}

export async function buildMessage(d: OutgoingDelivery): Promise<Mail.Options> {
  const cfg = jobsConfig();
  // An account link's token is stored sealed (encrypted with the server's secret) and opened only here.
  const payload =
    d.event.type === 'account_link'
      ? { ...d.event.payload, token: unsealLinkToken(String(d.event.payload.sealedToken ?? '')) }
      : d.event.payload;
  const mail = renderEventMail(d.event.type, payload, {
    operatorName: cfg.operatorName,
    portalUrl: cfg.portalUrl,
  });
  const attachments = await attachmentsFor(d);
  return {
    from: cfg.mailFrom,
    to: d.recipient,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<${d.event.key}@switchboard.events>`,
    date: d.event.createdAt,
    headers: { [EVENT_ID_HEADER]: d.event.key, 'X-Switchboard-Event-Type': d.event.type },
    attachments,
  };
}

const g = globalThis as unknown as { __switchboardSmtp?: { url: string; transporter: Transporter } };

function smtpTransporter(url: string): Transporter {
  if (g.__switchboardSmtp?.url !== url) {
    g.__switchboardSmtp?.transporter.close();
    g.__switchboardSmtp = {
      url,
      transporter: nodemailer.createTransport(url, {
        pool: true,
        maxConnections: 4,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      } as never),
    };
  }
  return g.__switchboardSmtp.transporter;
}

/** Metadata of a kept message (DATA_DIR/mail/<event id>.json). */
export interface KeptMail {
  file: string;
  eventKey: string;
  eventType: string;
  to: string;
  subject: string;
  savedAt: string;
  text: string;
  attachments: string[];
}

async function keepInFolder(message: Mail.Options, d: OutgoingDelivery): Promise<void> {
  const dir = jobsConfig().mailDir;
  await fs.promises.mkdir(dir, { recursive: true });
  const raw = await nodemailer
    .createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
    .sendMail(message);
  // One file per event id: a repeat of the same event replaces its file instead of adding one.
  const base = d.event.key.replace(/[^A-Za-z0-9_.:-]/g, '_');
  const meta: KeptMail = {
    file: `${base}.eml`,
    eventKey: d.event.key,
    eventType: d.event.type,
    to: d.recipient,
    subject: String(message.subject ?? ''),
    savedAt: new Date().toISOString(),
    // A one-time sign-in link is for its recipient only: not shown on the admin's mail page.
    text:
      d.event.type === 'account_link'
        ? '(A one-time link to set a password: not shown here.)'
        : String(message.text ?? ''),
    attachments: (message.attachments ?? []).map((a) => String(a.filename ?? 'attachment')),
  };
  const tmp = path.join(dir, `.${base}.${process.pid}.tmp`);
  await fs.promises.writeFile(tmp, raw.message as Buffer);
  await fs.promises.rename(tmp, path.join(dir, `${base}.eml`));
  await fs.promises.writeFile(tmp, JSON.stringify(meta));
  await fs.promises.rename(tmp, path.join(dir, `${base}.json`));
}

/** The email transport of the outbox. */
export async function sendEventEmail(d: OutgoingDelivery): Promise<void> {
  const message = await buildMessage(d);
  const url = jobsConfig().smtpUrl;
  if (url) await smtpTransporter(url).sendMail(message);
  else await keepInFolder(message, d);
}

/** Kept messages, newest first (the admin's mail page, when there is no SMTP_URL). */
export async function listKeptMail(limit = 100): Promise<KeptMail[]> {
  const dir = jobsConfig().mailDir;
  let names: string[];
  try {
    names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
  } catch {
    return [];
  }
  const out: KeptMail[] = [];
  for (const n of names) {
    try {
      out.push(JSON.parse(await fs.promises.readFile(path.join(dir, n), 'utf8')) as KeptMail);
    } catch {
      // a file being replaced right now, or not ours: skipped
    }
  }
  return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt)).slice(0, limit);
}
