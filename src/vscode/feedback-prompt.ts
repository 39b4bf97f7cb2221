import * as vscode from 'vscode';
import type { PhaseId } from '../core/rollout/phases';
import { DEFAULT_POSTHOG_HOST, type FeedbackInput, type Sentiment, previewFeedback } from '../core/telemetry';

/** Arguments of chimera.sendFeedback for callers that showed their own preview (the view, tests). */
export interface FeedbackArgument {
  sentiment: Sentiment;
  text?: string;
  source?: 'view' | 'command';
}

export function feedbackFromArgument(argument: FeedbackArgument, phase: PhaseId | 'custom' | undefined): FeedbackInput {
  return { sentiment: argument.sentiment, source: argument.source ?? 'command', ...(argument.text ? { text: argument.text } : {}), ...(phase !== undefined ? { phase } : {}) };
}

/** Where feedback goes: the endpoint setting, and PostHog when a project key is set (its host, empty = PostHog's default). */
export interface FeedbackDestinations {
  endpoint: string;
  posthogProjectKey: string;
  posthogHost: string;
}

export function describeDestinations({ endpoint, posthogProjectKey, posthogHost }: FeedbackDestinations): string {
  const targets = [
    ...(endpoint ? [`${endpoint} (chimera.telemetry.endpoint)`] : []),
    ...(posthogProjectKey ? [`PostHog at ${posthogHost || DEFAULT_POSTHOG_HOST} (chimera.telemetry.posthog.projectKey)`] : []),
  ];
  if (targets.length === 0) return 'Neither chimera.telemetry.endpoint nor chimera.telemetry.posthog.projectKey is set: it is only counted on this machine and written to the Chimera log.';
  return `It goes to ${targets.join(' and ')}, even when telemetry is off, because you asked to send it.`;
}

/** Asks for a sentiment and optional text, shows exactly what would be sent and where, and asks to confirm. */
export async function promptFeedback(phase: PhaseId | 'custom' | undefined, destinations: FeedbackDestinations): Promise<FeedbackInput | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: '👍 Positive', description: 'Chimera helps', sentiment: 'positive' as const },
      { label: '👎 Negative', description: 'Chimera gets in the way', sentiment: 'negative' as const },
    ],
    { title: 'Chimera: Send Feedback', placeHolder: 'How is Chimera working for you?' },
  );
  if (!pick) return undefined;
  const text = await vscode.window.showInputBox({ title: 'Chimera: Send Feedback', prompt: 'Optional: tell us more (sent as you write it, up to 1000 characters). Leave empty to send none.', ignoreFocusOut: true });
  if (text === undefined) return undefined;
  const input: FeedbackInput = { sentiment: pick.sentiment, source: 'command', ...(text.trim() ? { text } : {}), ...(phase !== undefined ? { phase } : {}) };
  const preview = previewFeedback(input);
  const destination = describeDestinations(destinations);
  const confirm = await vscode.window.showInformationMessage(
    'Send this feedback?',
    { modal: true, detail: `Exactly this is sent${preview.textTruncated ? ' (your text was shortened to the limit)' : ''}:\n\n${JSON.stringify({ name: preview.name, data: preview.data }, null, 2)}\n\n${destination}` },
    'Send',
  );
  return confirm === 'Send' ? input : undefined;
}
