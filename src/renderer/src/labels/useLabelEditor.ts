import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import type { Label, LabelInput } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { useNotify } from '../app/Notices'

interface UndoEntry {
  what: string
  undo(): Promise<void>
}

export interface LabelEditor {
  /** The clip the labels below belong to (it may lag the clip asked for while they load). */
  clipId: number | null
  /** The clip's labels, newest first; null while loading. */
  labels: Label[] | null
  /** Saves at once; a verdict or whole-clip score replaces the previous one (and undo brings it back). */
  add(input: Omit<LabelInput, 'clipId'>, what: string): Promise<Label | null>
  remove(label: Label): Promise<void>
  undo(): Promise<void>
  canUndo: boolean
}

const MAX_UNDO = 100

/** Strip a stored label down to what labels.add takes, to put a deleted or replaced label back. */
export function asInput(l: Label): LabelInput {
  return { clipId: l.clipId, kind: l.kind, score: l.score, verdict: l.verdict, distortion: l.distortion, start: l.start, end: l.end, comment: l.comment, model: l.model }
}

/**
 * A clip's labels with immediate saving and an undo stack. The stack is shared across clips (`undoStack`), so
 * undo in the review queue also reaches back to the clip before.
 */
export function useLabelEditor(clipId: number | null, undoStack: RefObject<UndoEntry[]>, version: number): LabelEditor {
  const api = useApi()
  const notify = useNotify()
  const [loaded, setLoaded] = useState<{ clipId: number | null; labels: Label[] | null }>({ clipId: null, labels: null })
  const labels = loaded.clipId === clipId ? loaded.labels : null
  const setLabels = useCallback((rows: Label[] | null, forClip: number | null = clipId) => setLoaded({ clipId: forClip, labels: rows }), [clipId])
  const [canUndo, setCanUndo] = useState(undoStack.current.length > 0)
  const clipRef = useRef(clipId)
  clipRef.current = clipId

  const reload = useCallback(async (): Promise<void> => {
    if (clipId === null) return setLabels(null)
    try {
      const { rows } = await api.invoke('labels.list', { clipId, limit: 1000 })
      if (clipRef.current === clipId) setLabels(rows, clipId)
    } catch (err) {
      notify(`Could not load labels: ${errorMessage(err)}`, 'error')
    }
  }, [api, clipId, notify, setLabels])

  useEffect(() => {
    void reload()
    const off = api.on('labels.onDidChange', ({ clipIds }) => {
      if (clipId !== null && (clipIds.length === 0 || clipIds.includes(clipId))) void reload()
    })
    return off
  }, [api, clipId, reload, version])

  const push = (entry: UndoEntry): void => {
    undoStack.current.push(entry)
    if (undoStack.current.length > MAX_UNDO) undoStack.current.shift()
    setCanUndo(true)
  }

  const add = useCallback(
    async (input: Omit<LabelInput, 'clipId'>, what: string): Promise<Label | null> => {
      if (clipId === null) return null
      // What the new label replaces (one verdict and one whole-clip score per clip), so undo can restore it.
      const replaced = (labels ?? []).filter(
        (l) => (input.kind === 'verdict' && l.kind === 'verdict') || (input.kind === 'score' && (input.start ?? null) === null && l.kind === 'score' && l.start === null)
      )
      try {
        const label = await api.invoke('labels.add', { ...input, clipId })
        push({
          what,
          undo: async () => {
            await api.invoke('labels.delete', { id: label.id }).catch(() => undefined)
            for (const r of replaced) await api.invoke('labels.add', asInput(r))
          }
        })
        await reload()
        return label
      } catch (err) {
        notify(`Could not save the label: ${errorMessage(err)}`, 'error')
        return null
      }
    },
    [api, clipId, labels, notify, reload]
  )

  const remove = useCallback(
    async (label: Label): Promise<void> => {
      try {
        await api.invoke('labels.delete', { id: label.id })
        push({ what: 'delete label', undo: async () => void (await api.invoke('labels.add', asInput(label))) })
        await reload()
      } catch (err) {
        notify(`Could not delete the label: ${errorMessage(err)}`, 'error')
      }
    },
    [api, notify, reload]
  )

  const undo = useCallback(async (): Promise<void> => {
    const entry = undoStack.current.pop()
    setCanUndo(undoStack.current.length > 0)
    if (!entry) return notify('Nothing to undo.')
    try {
      await entry.undo()
      notify(`Undid: ${entry.what}.`)
      await reload()
    } catch (err) {
      notify(`Could not undo: ${errorMessage(err)}`, 'error')
    }
  }, [notify, reload, undoStack])

  return { clipId: loaded.clipId === clipId ? clipId : null, labels, add, remove, undo, canUndo }
}

export type { UndoEntry }
