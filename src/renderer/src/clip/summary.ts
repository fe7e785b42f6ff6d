/**
 * The clip summary arrives in VQAThinker's `<think>…</think><answer>…</answer>` shape (core/engine/explain.ts).
 * Split it for display: the reasoning as prose, the answer as a score when it is one. Text without the tags
 * (another model's, or an older format) is shown whole as the reasoning.
 */
export interface ParsedSummary {
  reasoning: string
  answer: string | null
  /** The answer as a number when it is one (VQAThinker answers with the score). */
  answerScore: number | null
}

export function parseSummary(summary: string): ParsedSummary {
  const think = /<think>([\s\S]*?)(?:<\/think>|$)/i.exec(summary)
  const answer = /<answer>([\s\S]*?)(?:<\/answer>|$)/i.exec(summary)
  const reasoning = (think ? think[1]! : summary.replace(/<\/?(think|answer)>/gi, ' ').replace(answer?.[0] ?? '', '')).trim().replace(/\s+/g, ' ')
  const answerText = answer ? answer[1]!.trim() : null
  const n = answerText !== null && /^-?\d+(\.\d+)?$/.test(answerText) ? Number(answerText) : null
  return { reasoning, answer: answerText || null, answerScore: n }
}
