import 'server-only';
import { formats } from '../format';
import { lineText } from '@/lib/domain/bills';
import type { EventType } from '@/lib/domain/notifications';

/**
 * The emails of the outbox's events: a subject, a plain-text part and an HTML part, each with
 * the operator's name and a link back to the portal. Rendered at delivery from the event's
 * payload (what was true when the change was made), so a retry sends the same words.
 */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailContext {
  operatorName: string;
  portalUrl: string;
}

/** Days and money as the portal shows them (lib/server/format.ts). */
function day(d: unknown): string {
  if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return String(d ?? '');
  return formats().day(d);
}
const formatCents = (c: number) => formats().money(c);
const formatSignedCents = (c: number) => formats().signedMoney(c);

function esc(v: string): string {
  return v
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const cents = (v: unknown) => (typeof v === 'number' ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A message as paragraphs and label/value rows, turned into both parts. */
interface Body {
  subject: string;
  greeting: string;
  paragraphs: string[];
  rows: [string, string][];
  linkText: string;
  linkPath: string;
  /** Offer emails say why they came and how to stop them; service messages say they always go. */
  offer?: boolean;
}

const SERVICE_NOTE = 'This is a service message about your account; it is sent whatever your offer-email choice.';
const OFFER_NOTE = 'You get offer emails because you chose to; you can turn them off in your profile.';

function compose(b: Body, ctx: MailContext): RenderedMail {
  const link = `${ctx.portalUrl}${b.linkPath}`;
  const note = b.offer ? OFFER_NOTE : SERVICE_NOTE;
  const text = [
    b.greeting,
    '',
    ...b.paragraphs.flatMap((p) => [p, '']),
    ...(b.rows.length ? [...b.rows.map(([k, v]) => `${k}: ${v}`), ''] : []),
    `${b.linkText}: ${link}`,
    '',
    `${ctx.operatorName}`,
    note,
  ].join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(b.subject)}</title></head>
<body style="font-family: system-ui, sans-serif; color: #111; max-width: 40rem">
<p style="font-weight: 600">${esc(ctx.operatorName)}</p>
<p>${esc(b.greeting)}</p>
${b.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}
${b.rows.length ? `<table style="border-collapse: collapse">${b.rows.map(([k, v]) => `<tr><th scope="row" style="text-align: left; padding: 2px 12px 2px 0">${esc(k)}</th><td style="text-align: right">${esc(v)}</td></tr>`).join('')}</table>` : ''}
<p><a href="${esc(link)}">${esc(b.linkText)}</a></p>
<p style="color: #555; font-size: 0.85em">${esc(ctx.operatorName)} · ${esc(note)}</p>
</body></html>`;
  return { subject: b.subject, text, html };
}

function greeting(p: Record<string, unknown>): string {
  const name = str(p.subscriberName);
  return name ? `Hello ${name},` : 'Hello,';
}

function changeRows(p: Record<string, unknown>): [string, string][] {
  const rows: [string, string][] = [];
  if (p.planChanged === true) rows.push(['Plan', `${str(p.fromPlan)} → ${str(p.toPlan)}`]);
  const added = list(p.added);
  const removed = list(p.removed);
  if (added.length) rows.push(['Added', added.join(', ')]);
  if (removed.length) rows.push(['Removed', removed.join(', ')]);
  for (const l of Array.isArray(p.prorationLines)
    ? (p.prorationLines as { description?: unknown; amountCents?: unknown }[])
    : []) {
    rows.push([lineText(str(l.description), formats()), formatSignedCents(cents(l.amountCents))]);
  }
  if (p.timing === 'now')
    rows.push(['Charged or credited on your next bill now', formatSignedCents(cents(p.prorationTotalCents))]);
  rows.push(['Monthly change', formatSignedCents(cents(p.monthlyChangeCents))]);
  rows.push(['New monthly total', formatCents(cents(p.newMonthlyCents))]);
  rows.push(['Next bill', formatCents(cents(p.nextBillTotalCents))]);
  return rows;
}

export function renderEventMail(type: EventType, payload: Record<string, unknown>, ctx: MailContext): RenderedMail {
  const p = payload;
  switch (type) {
    case 'change_applied':
      return compose(
        {
          subject: `Your change is done: ${str(p.summary) || 'plan updated'}`.slice(0, 200),
          greeting: greeting(p),
          paragraphs: [
            `Your change took effect on ${day(p.effectiveDate)}. ${str(p.summary)}`.trim(),
            str(p.undo),
          ].filter(Boolean),
          rows: changeRows(p),
          linkText: 'See your account',
          linkPath: '/dashboard',
        },
        ctx,
      );
    case 'change_scheduled':
      return compose(
        {
          subject: `Your change is scheduled for ${day(p.effectiveDate)}`,
          greeting: greeting(p),
          paragraphs: [
            `${str(p.summary)}`.trim(),
            `It takes effect on ${day(p.effectiveDate)}. ${str(p.undo)}`.trim(),
          ].filter(Boolean),
          rows: changeRows(p),
          linkText: 'See or cancel it in your account',
          linkPath: '/dashboard',
        },
        ctx,
      );
    case 'scheduled_change_reminder':
      return compose(
        {
          subject: `In 3 days: your change takes effect on ${day(p.effectiveDate)}`,
          greeting: greeting(p),
          paragraphs: [
            `Your scheduled change takes effect on ${day(p.effectiveDate)}: ${str(p.targetDescription)}.`,
            'You can still cancel it in your account until then.',
          ],
          rows: [['New monthly total', formatCents(cents(p.newMonthlyCents))]],
          linkText: 'Review or cancel it',
          linkPath: '/dashboard',
        },
        ctx,
      );
    case 'scheduled_change_cancelled':
      return compose(
        {
          subject: 'Your scheduled change is cancelled',
          greeting: greeting(p),
          paragraphs: [
            `The change that was to take effect on ${day(p.effectiveDate)} is cancelled. You keep your current plan and add-ons.`,
          ],
          rows: [],
          linkText: 'See your account',
          linkPath: '/dashboard',
        },
        ctx,
      );
    case 'scheduled_change_applied':
      return compose(
        {
          subject: `Your scheduled change took effect on ${day(p.effectiveDate)}`,
          greeting: greeting(p),
          paragraphs: [`Your scheduled change took effect on ${day(p.effectiveDate)}: ${str(p.targetDescription)}.`],
          rows: [],
          linkText: 'See your account',
          linkPath: '/dashboard',
        },
        ctx,
      );
    case 'bill_issued':
      return compose(
        {
          subject:
            `Your bill ${String(p.billNumber ?? '')} of ${day(p.billDate)}: ${formatCents(cents(p.totalCents))}`.trim(),
          greeting: greeting(p),
          paragraphs: [
            `Your bill for the period starting ${day(p.billDate)} is ready; it is due on ${day(p.dueDate)}. The PDF is attached.`,
          ],
          rows: [['Total', formatCents(cents(p.totalCents))]],
          linkText: 'See your bills',
          linkPath: '/bills',
        },
        ctx,
      );
    case 'price_change_notice':
      // A pay-per-use rate (issue 20): the price of a minute, not of a month.
      if (p.itemType === 'rate')
        return compose(
          {
            subject: `A new rate for ${str(p.itemName).toLowerCase()} from ${day(p.effectiveOn)}`,
            greeting: greeting(p),
            paragraphs: [
              `${str(p.itemName)} on your line cost ${formatCents(cents(p.oldCents))} each; from ${day(p.effectiveOn)} they cost ${formatCents(cents(p.newCents))} each. Until then you pay ${formatCents(cents(p.oldCents))}: the usage of a billing period that starts before that day is charged at the old rate.`,
              'You can change your plan or add-ons at any time in the portal.',
            ],
            rows: [
              ['Old rate', `${formatCents(cents(p.oldCents))} a minute`],
              ['New rate', `${formatCents(cents(p.newCents))} a minute`],
              ['From', day(p.effectiveOn)],
            ],
            linkText: 'See your plan',
            linkPath: '/plans',
          },
          ctx,
        );
      return compose(
        {
          subject: `A new price for ${str(p.itemName)} from ${day(p.effectiveOn)}`,
          greeting: greeting(p),
          paragraphs: [
            `The monthly price of ${str(p.itemName)}, which you have, changes from ${formatCents(cents(p.oldCents))} to ${formatCents(cents(p.newCents))} on ${day(p.effectiveOn)}. Until then you pay ${formatCents(cents(p.oldCents))}.`,
            'You can change your plan or add-ons at any time in the portal.',
          ],
          rows: [
            ['Old price', `${formatCents(cents(p.oldCents))} a month`],
            ['New price', `${formatCents(cents(p.newCents))} a month`],
            ['From', day(p.effectiveOn)],
          ],
          linkText: 'See your plan',
          linkPath: '/plans',
        },
        ctx,
      );
    case 'ProductOrderCreateEvent':
    case 'ProductOrderStateChangeEvent':
    case 'UsageCreateEvent':
    case 'ProductCreateEvent':
    case 'ProductStateChangeEvent':
    case 'CustomerBillCreateEvent':
    case 'CustomerBillStateChangeEvent':
      // TM Forum events are webhooks only (recordEvent writes no email for them).
      throw new Error(`${type} is not sent by email`);
    case 'offer_suggested':
      return compose(
        {
          subject: str(p.title) || 'An offer for you',
          greeting: greeting(p),
          paragraphs: [str(p.explanation)].filter(Boolean),
          rows: [],
          linkText: 'See the offer',
          linkPath: '/dashboard',
          offer: true,
        },
        ctx,
      );
    case 'account_link': {
      // The token itself is not in the stored payload: transport.ts unseals it into `token` at delivery.
      const activate = p.purpose === 'activate';
      const minutes = typeof p.validMinutes === 'number' ? p.validMinutes : 30;
      return compose(
        {
          subject: activate ? 'Set up your online access' : 'Reset your password',
          greeting: greeting(p),
          paragraphs: [
            activate
              ? 'Someone (we hope you) asked to set up online access to your account. Use the link below to choose a password.'
              : 'Someone (we hope you) asked to reset the password of your account. Use the link below to choose a new one.',
            `The link works once and for ${minutes} minutes. If you did not ask for it, ignore this email: nothing changes.`,
          ],
          rows: [],
          linkText: activate ? 'Choose your password' : 'Choose a new password',
          linkPath: `/set-password?token=${encodeURIComponent(str(p.token))}`,
        },
        ctx,
      );
    }
  }
}
