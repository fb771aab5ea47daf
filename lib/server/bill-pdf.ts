import 'server-only';
import PDFDocument from 'pdfkit';
import { config } from '@/lib/config';
import { BILL_STATE_LABELS, lineText } from '@/lib/domain/bills';
import type { Queryable } from '@/db/client';
import type { Actor } from './actor';
import { formats } from './format';
import { getBill, readBillById, type BillView } from './bills';

export interface BillDocument {
  subscriber: { name: string; accountNumber: string };
  bill: BillView;
}

/** Ordinary spaces for the portal's no-break (and thin) ones, so the PDF's lines may wrap where they need to. */
const plainSpaces = (s: string) => s.replace(/[\u00a0\u2009]/g, ' ');
/** The portal's date style. */
const day = (d: string): string => plainSpaces(formats().day(d));
const days = (first: string, last: string): string => plainSpaces(formats().days(first, last));
const formatCents = (c: number) => formats().money(c);

/**
 * A bill as a PDF (pdfkit, standard Helvetica: the text is real text, extractable and
 * searchable): the operator, the subscriber and account number, the bill number, the
 * periods, each line, the total and the due date.
 */
export function renderBillPdf(doc: BillDocument, operatorName: string = config().operatorName): Promise<Buffer> {
  const { bill, subscriber } = doc;
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: {
      Title: `Bill ${bill.number}`,
      Author: operatorName,
      Subject: `Bill ${bill.number} for account ${subscriber.accountNumber}`,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  const amountW = 90;

  pdf.font('Helvetica-Bold').fontSize(18).text(operatorName);
  pdf.moveDown(0.2).font('Helvetica').fontSize(11).fillColor('#333333').text(`Bill ${bill.number}`);
  pdf.moveDown(1).fillColor('#000000');

  const facts: [string, string][] = [
    ['Subscriber', subscriber.name],
    ['Account number', subscriber.accountNumber],
    ['Bill number', String(bill.number)],
    ['Bill date', day(bill.billDate)],
    ['Charges in advance for', days(bill.billedPeriod.start, bill.billedPeriod.lastDay)],
    ['Usage for', bill.closedPeriod ? days(bill.closedPeriod.start, bill.closedPeriod.lastDay) : 'None (first bill)'],
    ['Due date', day(bill.dueDate)],
    ['Status', BILL_STATE_LABELS[bill.state]],
  ];
  pdf.fontSize(10);
  for (const [k, v] of facts) {
    const y = pdf.y;
    pdf.font('Helvetica-Bold').text(k, left, y, { width: 150 });
    pdf.font('Helvetica').text(v, left + 160, y, { width: width - 160 });
  }

  pdf.moveDown(1.5);
  const head = pdf.y;
  pdf.font('Helvetica-Bold').text('Item', left, head, { width: width - amountW });
  pdf.text('Amount', left + width - amountW, head, { width: amountW, align: 'right' });
  pdf
    .moveTo(left, pdf.y + 2)
    .lineTo(left + width, pdf.y + 2)
    .stroke('#999999');
  pdf.moveDown(0.5).font('Helvetica');
  for (const l of bill.lines) {
    const y = pdf.y;
    pdf.text(plainSpaces(lineText(l.description, formats())), left, y, { width: width - amountW - 10 });
    const after = pdf.y;
    pdf.text(formatCents(l.amountCents), left + width - amountW, y, { width: amountW, align: 'right' });
    pdf.y = Math.max(after, pdf.y);
    pdf.moveDown(0.2);
  }
  pdf
    .moveTo(left, pdf.y + 2)
    .lineTo(left + width, pdf.y + 2)
    .stroke('#999999');
  pdf.moveDown(0.6);
  const totalY = pdf.y;
  pdf
    .font('Helvetica-Bold')
    .fontSize(12)
    .text('Total due', left, totalY, { width: width - amountW });
  pdf.text(formatCents(bill.totalCents), left + width - amountW, totalY, { width: amountW, align: 'right' });
  pdf
    .moveDown(0.4)
    .font('Helvetica')
    .fontSize(10)
    .text(`Please pay by ${day(bill.dueDate)}.`, left);
  if (bill.creditForwardCents > 0) {
    pdf
      .moveDown(0.4)
      .text(`A credit of ${formatCents(bill.creditForwardCents)} is carried forward to your next bill.`, left);
  }
  pdf.end();
  return done;
}

export function billPdfFilename(number: number): string {
  return `bill-${number}.pdf`;
}

/** The PDF of one of a subscriber's bills, for the signed-in owner, an agent or an admin. */
export async function billPdfFor(
  actor: Actor,
  subscriberId: number,
  number: number,
): Promise<{ filename: string; pdf: Buffer }> {
  const doc = await getBill(actor, subscriberId, number);
  return { filename: billPdfFilename(number), pdf: await renderBillPdf(doc) };
}

/** The PDF of a bill by its id, for jobs (the "bill issued" email attaches it); null if there is no such bill. */
export async function renderBillPdfById(
  db: Queryable,
  billId: number,
): Promise<{ filename: string; pdf: Buffer } | null> {
  const doc = await readBillById(db, billId);
  if (!doc) return null;
  return { filename: billPdfFilename(doc.bill.number), pdf: await renderBillPdf(doc) };
}
