import { describe, expect, it } from 'vitest'
import { parseSummary } from './summary'

describe('parseSummary', () => {
  it('splits reasoning and a numeric answer', () => {
    expect(parseSummary('<think>Blur from 0:04 to 0:08.\n Otherwise clean.</think><answer>3.12</answer>')).toEqual({
      reasoning: 'Blur from 0:04 to 0:08. Otherwise clean.',
      answer: '3.12',
      answerScore: 3.12
    })
  })
  it('keeps a worded answer as text', () => {
    expect(parseSummary('<think>x</think><answer>good</answer>')).toEqual({ reasoning: 'x', answer: 'good', answerScore: null })
  })
  it('shows untagged text whole', () => {
    expect(parseSummary('Just a note.')).toEqual({ reasoning: 'Just a note.', answer: null, answerScore: null })
  })
  it('tolerates a truncated summary', () => {
    expect(parseSummary('<think>Cut off mid-sen')).toEqual({ reasoning: 'Cut off mid-sen', answer: null, answerScore: null })
  })
})
