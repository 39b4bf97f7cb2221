import { type Browser, chromium } from 'playwright-core';

/** The verified flag set: without the background-networking flags Chromium keeps dialling out of a closed network. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Headless Chromium from the npm package @sparticuz/chromium: no apt, no download at run time. */
export async function launchBrowser(): Promise<Browser> {
  const sparticuz = (await import('@sparticuz/chromium')).default;
  const executablePath = await sparticuz.executablePath();
  // --single-process breaks the workbench, and playwright adds its own --headless.
  const args = sparticuz.args.filter((arg: string) => arg !== '--single-process' && !arg.startsWith('--headless'));
  return chromium.launch({ executablePath, args: [...args, ...FLAGS], headless: true });
}
