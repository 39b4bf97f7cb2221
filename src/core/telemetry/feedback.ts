import { join } from 'node:path';
import type { FlushOutcome, RecordOutcome, TelemetryRecorder } from './client';
import { type StorageProblem, readTextIfExists, writeFileAtomic } from './files';
import { type FeedbackSource, type Phase, type SafeValue, type Sentiment, sanitizeEvent } from './schema';

export interface FeedbackInput {
  sentiment: Sentiment;
  /** The person's own words; allowed in feedback only, capped at FEEDBACK_TEXT_LIMIT characters. */
  text?: string;
  phase?: Phase;
  source: FeedbackSource;
}

/** Exactly the event data that will be sent, to show the person before they confirm. */
export interface FeedbackPreview {
  name: 'feedback';
  data: Record<string, SafeValue>;
  textTruncated: boolean;
}

export function previewFeedback(input: FeedbackInput): FeedbackPreview {
  // The same sanitizer the client runs, so the preview cannot differ from what is queued.
  const result = sanitizeEvent('feedback', input, '');
  if (!result.ok) throw new Error(`feedback input is not an object: ${result.reason}`);
  return { name: 'feedback', data: result.event.data, textTruncated: result.truncated };
}

export interface FeedbackResponse {
  sentiment: Sentiment;
  at: number;
}

export interface FeedbackSummary {
  responses: number;
  positive: number;
  negative: number;
  /** positive / responses, undefined without responses. */
  positiveShare: number | undefined;
}

export function summarizeFeedback(responses: readonly FeedbackResponse[], since = Number.NEGATIVE_INFINITY): FeedbackSummary {
  let positive = 0;
  let negative = 0;
  for (const response of responses) {
    if (response.at < since) continue;
    if (response.sentiment === 'positive') positive++;
    else negative++;
  }
  const total = positive + negative;
  return { responses: total, positive, negative, positiveShare: total === 0 ? undefined : positive / total };
}

/** The plan's Phase 2 "positive developer feedback", made measurable. */
export const POSITIVE_FEEDBACK_CRITERION = { minResponses: 10, minPositiveShare: 0.8 } as const;

export type CriterionStatus = 'pass' | 'fail' | 'not-enough-data';

export interface FeedbackCriterionResult {
  status: CriterionStatus;
  responses: number;
  positiveShare: number | undefined;
  minResponses: number;
  minPositiveShare: number;
}

/** Pass at ≥ 80% positive with ≥ 10 responses; below 10 responses the share decides nothing yet. */
export function evaluateFeedbackCriterion(summary: FeedbackSummary, criterion: { minResponses: number; minPositiveShare: number } = POSITIVE_FEEDBACK_CRITERION): FeedbackCriterionResult {
  const base = { responses: summary.responses, positiveShare: summary.positiveShare, minResponses: criterion.minResponses, minPositiveShare: criterion.minPositiveShare };
  if (summary.responses < criterion.minResponses || summary.positiveShare === undefined) return { status: 'not-enough-data', ...base };
  return { status: summary.positiveShare >= criterion.minPositiveShare ? 'pass' : 'fail', ...base };
}

export const FEEDBACK_LOG_FILE = 'feedback-log.json';
const FEEDBACK_LOG_LIMIT = 10_000;

/** This machine's feedback responses (sentiment and time only, never the text), kept across restarts. */
export class FeedbackLog {
  private constructor(
    private readonly path: string | undefined,
    private entries: FeedbackResponse[],
    private problemValue: StorageProblem | undefined,
  ) {}

  static async open(directory: string | undefined): Promise<FeedbackLog> {
    if (directory === undefined) return new FeedbackLog(undefined, [], undefined);
    const path = join(directory, FEEDBACK_LOG_FILE);
    const read = await readTextIfExists(path);
    if ('problem' in read) return new FeedbackLog(path, [], read.problem);
    return new FeedbackLog(path, parseResponses(read.text), undefined);
  }

  get responses(): readonly FeedbackResponse[] {
    return this.entries;
  }

  get problem(): StorageProblem | undefined {
    return this.problemValue;
  }

  async add(response: FeedbackResponse): Promise<StorageProblem | undefined> {
    this.entries = [...this.entries, response].slice(-FEEDBACK_LOG_LIMIT);
    if (this.path === undefined) return undefined;
    this.problemValue = await writeFileAtomic(this.path, `${JSON.stringify({ responses: this.entries })}\n`);
    return this.problemValue;
  }

  summary(since?: number): FeedbackSummary {
    return summarizeFeedback(this.entries, since);
  }
}

function parseResponses(text: string): FeedbackResponse[] {
  if (text.trim() === '') return [];
  try {
    const value = JSON.parse(text) as { responses?: unknown };
    if (!Array.isArray(value.responses)) return [];
    return value.responses.filter(
      (r): r is FeedbackResponse => typeof r === 'object' && r !== null && (r.sentiment === 'positive' || r.sentiment === 'negative') && typeof r.at === 'number',
    );
  } catch {
    return [];
  }
}

export interface FeedbackSubmission {
  preview: FeedbackPreview;
  recorded: RecordOutcome;
  /** 'failed' means it stays queued and will be retried: tell the person so. */
  delivery: FlushOutcome;
  summary: FeedbackSummary;
  storageProblem?: StorageProblem;
}

/** Queues the feedback, counts it locally, and tries to deliver it now (ignoring any backoff: the person is waiting). */
export async function submitFeedback(client: TelemetryRecorder, log: FeedbackLog, input: FeedbackInput, now: number): Promise<FeedbackSubmission> {
  const preview = previewFeedback(input);
  const recorded = client.record('feedback', input);
  const storageProblem = await log.add({ sentiment: input.sentiment, at: now });
  const delivery = await client.flush(true);
  return { preview, recorded, delivery, summary: log.summary(), ...(storageProblem ? { storageProblem } : {}) };
}
