// The driver's side of the typing benchmark: real key presses through playwright, latency measured in the page.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { HarnessActions } from '../../test/host/driver';

/** A steady typist's pace between key presses. */
const PACE_MS = 60;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

interface TypingProbe {
  arm(expected: string): void;
  result(): Promise<number>;
}

/** Runs in the page: from the keydown event's timestamp to the DOM mutation that shows the expected text in the focused editor. */
function installProbe(): void {
  const w = window as unknown as { chimeraTyping?: TypingProbe };
  if (w.chimeraTyping) return;
  let expected: string | undefined;
  let start: number | undefined;
  let settle: (ms: number) => void = () => undefined;
  let done: Promise<number> = Promise.resolve(0);
  let observer: MutationObserver | undefined;
  document.addEventListener('keydown', (event) => {
    if (expected !== undefined && start === undefined) start = event.timeStamp;
  }, true);
  const check = (lines: Element) => {
    if (expected === undefined || start === undefined || !lines.textContent?.includes(expected)) return;
    const ms = performance.now() - start;
    expected = undefined;
    observer?.disconnect();
    settle(ms);
  };
  w.chimeraTyping = {
    arm(text) {
      const lines = document.querySelector('.monaco-editor.focused .view-lines');
      if (!lines) throw new Error('no focused editor to type into');
      expected = text;
      start = undefined;
      done = new Promise((resolve) => (settle = resolve));
      observer = new MutationObserver(() => check(lines));
      observer.observe(lines, { subtree: true, childList: true, characterData: true });
    },
    result: () => Promise.race([done, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('the typed character did not render within 5 s')), 5000))]),
  };
}

/** `[harness] <id> type <label>`: types a marker, then `chars` letters one by one, and writes their latencies to typing-<label>.json. */
export function typingActions(dir: string, chars: number): (page: Page) => HarnessActions {
  return (page) => ({
    async type(label = 'round') {
      await page.evaluate(installProbe);
      // Unique per round, without spaces (the editor renders them as no-break spaces).
      let typed = `//typing${label.replace(/\W/g, '')}`;
      await page.keyboard.type(typed);
      await page.waitForFunction((marker) => document.querySelector('.monaco-editor.focused .view-lines')?.textContent?.includes(marker), typed, { timeout: 5000 });
      const latencies: number[] = [];
      for (let i = 0; i < chars; i++) {
        const letter = LETTERS[i % LETTERS.length]!;
        typed += letter;
        await page.evaluate((expected) => (window as unknown as { chimeraTyping: TypingProbe }).chimeraTyping.arm(expected), typed);
        await page.keyboard.press(letter);
        latencies.push(await page.evaluate(() => (window as unknown as { chimeraTyping: TypingProbe }).chimeraTyping.result()));
        await page.waitForTimeout(PACE_MS);
      }
      writeFileSync(join(dir, `typing-${label}.json`), JSON.stringify(latencies));
    },
  });
}
