/** Headers on every response (pages also get a nonce-based CSP from proxy.ts). */
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WebAssembly and data files relative to its own module URL; bundling breaks that.
  // pdfkit reads its standard fonts' metrics from files beside its own module, like PGlite.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'pg', 'pdfkit', 'graphile-worker', 'nodemailer'],
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
