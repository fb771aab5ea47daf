/**
 * Lighthouse (the npm package, 12.2.3: the last that runs on Node 20) against a signed-in
 * page, in the Debian Chromium started here with the flags the browser tests use.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LighthouseRun {
  performance: number | null;
  accessibility: number | null;
  /** Lighthouse's estimate of the host's CPU speed (its table: 1000–1500 low-end desktop, 1500–2000 high-end). */
  benchmarkIndex: number | null;
  metrics: Record<string, number | null>;
}

export interface LighthouseResult extends LighthouseRun {
  url: string;
  formFactor: string;
  throttling: string;
  cpuSlowdownMultiplier: number;
  /** All runs, in order; the top-level figures are the median run's (Lighthouse's computeMedianRun). */
  runs: LighthouseRun[];
  failedAudits: { category: string; id: string; title: string; score: number | null }[];
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string | null {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return fs.existsSync(p) ? p : null;
}

async function launchChromium(executable: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-chromium-'));
  const child = spawn(
    executable,
    [...FLAGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`Chromium did not open its DevTools port:\n${err.slice(-2000)}`)),
      30_000,
    );
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}):\n${err.slice(-2000)}`));
    });
  });
  return {
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      // Chromium's children may still be writing its cache as it exits: retry (ENOTEMPTY).
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

type Lhr = NonNullable<Awaited<ReturnType<typeof import('lighthouse').default>>>['lhr'];

function summarizeRun(lhr: Lhr): LighthouseRun {
  const score = (id: string) => {
    const v = lhr.categories[id]?.score;
    return typeof v === 'number' ? Math.round(v * 100) : null;
  };
  const metric = (id: string) => {
    const v = lhr.audits[id]?.numericValue;
    return typeof v === 'number' ? Math.round(v * 1000) / 1000 : null;
  };
  return {
    performance: score('performance'),
    accessibility: score('accessibility'),
    benchmarkIndex:
      typeof lhr.environment?.benchmarkIndex === 'number' ? Math.round(lhr.environment.benchmarkIndex) : null,
    metrics: {
      firstContentfulPaintMs: metric('first-contentful-paint'),
      largestContentfulPaintMs: metric('largest-contentful-paint'),
      totalBlockingTimeMs: metric('total-blocking-time'),
      cumulativeLayoutShift: metric('cumulative-layout-shift'),
      speedIndexMs: metric('speed-index'),
    },
  };
}

/**
 * Lighthouse's default configuration (mobile, simulated throttling, 4× CPU slowdown):
 * performance and accessibility, `runs` times in one Chromium; the median run is reported
 * (Lighthouse's own computeMedianRun), as Lighthouse's variability guide recommends: one
 * run on a shared 2-core machine swings by ±5 points.
 */
export async function runLighthouse(
  url: string,
  cookie: string,
  executable: string,
  runs: number,
): Promise<LighthouseResult> {
  const { default: lighthouse } = await import('lighthouse');
  const { computeMedianRun } = (await import('lighthouse/core/lib/median-run.js' as string)) as {
    computeMedianRun: (lhrs: Lhr[]) => Lhr;
  };
  const chrome = await launchChromium(executable);
  try {
    const lhrs: Lhr[] = [];
    for (let i = 0; i < runs; i++) {
      const result = await lighthouse(url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility'],
        extraHeaders: { Cookie: cookie },
      });
      if (!result) throw new Error('Lighthouse returned no result');
      const lhr = result.lhr;
      if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      if (lhr.finalDisplayedUrl && new URL(lhr.finalDisplayedUrl).pathname.startsWith('/login'))
        throw new Error('Lighthouse was redirected to the login page: the session cookie was not accepted');
      lhrs.push(lhr);
    }
    const median = computeMedianRun(lhrs);
    const failedAudits: LighthouseResult['failedAudits'] = [];
    for (const cat of ['performance', 'accessibility']) {
      for (const ref of median.categories[cat]?.auditRefs ?? []) {
        const a = median.audits[ref.id];
        if (!a || ref.weight === 0 || a.score === null || a.score >= 0.9) continue;
        failedAudits.push({ category: cat, id: a.id, title: a.title, score: a.score });
      }
    }
    return {
      url: median.finalDisplayedUrl ?? url,
      formFactor: median.configSettings.formFactor,
      throttling: median.configSettings.throttlingMethod,
      cpuSlowdownMultiplier: median.configSettings.throttling.cpuSlowdownMultiplier,
      ...summarizeRun(median),
      runs: lhrs.map(summarizeRun),
      failedAudits,
    };
  } finally {
    await chrome.stop();
  }
}
