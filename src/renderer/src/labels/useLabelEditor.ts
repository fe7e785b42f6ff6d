import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import type { Label, LabelInput } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { useNotify } from '../app/Notices'

interface UndoEntry {
  what: string
  /** The clip the undo changes (it may no longer be the one on screen). */
  clipId: number
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
  /** Undoes the newest entry; resolves to the clip it changed, or null when nothing was undone. */
  undo(): Promise<number | null>
  canUndo: boolean
}

const MAX_UNDO = 100

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
      try {
        // The core says what the new label replaced (one verdict and one whole-clip score per clip), so undo puts
        // back exactly that — even when this clip's labels had not loaded yet.
        const { label, replaced } = await api.invoke('labels.add', { ...input, clipId })
        push({
          what,
          clipId,
          undo: async () => {
            await api.invoke('labels.delete', { id: label.id }).catch(() => undefined)
            if (replaced.length) await api.invoke('labels.restore', { labels: replaced })
          }
        })
        await reload()
        return label
      } catch (err) {
        notify(`Could not save the label: ${errorMessage(err)}`, 'error')
        return null
      }
    },
    [api, clipId, notify, reload]
  )

  const remove = useCallback(
    async (label: Label): Promise<void> => {
      try {
        await api.invoke('labels.delete', { id: label.id })
        push({ what: 'delete label', clipId: label.clipId, undo: async () => void (await api.invoke('labels.restore', { labels: [label] })) })
        await reload()
      } catch (err) {
        notify(`Could not delete the label: ${errorMessage(err)}`, 'error')
      }
    },
    [api, notify, reload]
  )

  const undo = useCallback(async (): Promise<number | null> => {
    const entry = undoStack.current.pop()
    setCanUndo(undoStack.current.length > 0)
    if (!entry) {
      notify('Nothing to undo.')
      return null
    }
    try {
      await entry.undo()
      notify(`Undid: ${entry.what}.`)
      await reload()
      return entry.clipId
    } catch (err) {
      notify(`Could not undo: ${errorMessage(err)}`, 'error')
      return null
    }
  }, [notify, reload, undoStack])

  return { clipId: loaded.clipId === clipId ? clipId : null, labels, add, remove, undo, canUndo }
}

export type { UndoEntry }
