import type { Metadata } from 'next';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Switchboard', template: '%s · Switchboard' },
  description: 'Your phone line: plan, usage and changes.',
};

/**
 * The document only. The portal's pages are in the app/(portal) route group, whose layout adds
 * the skip link, header and main landmark; app/floor, the benchmark's floor page, is outside it.
 */
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
