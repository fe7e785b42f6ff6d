import { describe, expect, it } from 'vitest'
import { toCsv, toVqaThinkerJsonl, VQATHINKER_QUESTION, type ExportRow } from './export'

const row = (over: Partial<ExportRow>): ExportRow => ({
  id: 1, path: '/lib/day 1/a,"b".mp4', folder: '/lib', name: 'a,"b".mp4', duration: 8, width: 1920, height: 1080, codec: 'h264', score: 3.4567,
  flagged: 1, flags_json: JSON.stringify([{ message: 'clip score 2.10 is below 2.8' }]), summary: null, model: 'vqa-default 1.0.0', mode: 'full',
  scored_at: 0, score_error: null, label_score: null, ...over
})

describe('exports', () => {
  it('writes CSV with quoting', () => {
    const csv = toCsv([row({})])
    expect(csv.split('\n')[0]).toBe('path,name,duration,width,height,codec,score,level,flagged,flags,model,mode,scored_at,error,label_score')
    expect(csv).toContain('"/lib/day 1/a,""b"".mp4"')
    expect(csv).toContain(',3.4567,fair,1,clip score 2.10 is below 2.8,')
  })
  it('writes the VQAThinker training JSONL, unscored clips left out', () => {
    const lines = toVqaThinkerJsonl([row({}), row({ id: 2, score: null })]).trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toEqual({
      id: 0,
      dataset_name: 'vqa-inspector',
      image: ['day 1/a,"b".mp4'],
      conversations: [
        { from: 'human', value: VQATHINKER_QUESTION },
        { from: 'gpt', value: 3.4567 }
      ]
    })
  })
  it('answers with the reviewer\'s label where there is one, even for an unscored clip', () => {
    const lines = toVqaThinkerJsonl([row({ label_score: 1.5 }), row({ id: 2, score: null, label_score: 4.25 })]).trim().split('\n')
    expect(lines.map((l) => (JSON.parse(l) as { conversations: Array<{ value: unknown }> }).conversations[1]!.value)).toEqual([1.5, 4.25])
  })
})
