import type { PageName } from './route'
import { routeHash } from './route'

interface AppNavProps {
  page: PageName
  /** Flagged clips not yet reviewed, shown on the Review tab. */
  toReview: number | null
}

const PAGES: ReadonlyArray<{ name: Exclude<PageName, 'clip'>; label: string }> = [
  { name: 'library', label: 'Library' },
  { name: 'review', label: 'Review' },
  { name: 'labels', label: 'Labels' },
  { name: 'insights', label: 'Insights' },
  { name: 'training', label: 'Fine-tuning' },
  { name: 'settings', label: 'Settings' }
]

export function AppNav({ page, toReview }: AppNavProps) {
  const current = page === 'clip' ? 'library' : page
  return (
    <nav className="app-nav" aria-label="Pages">
      <span className="app-mark" aria-hidden="true">
        VQA
      </span>
      {PAGES.map((p) => (
        <a key={p.name} className="nav-link" href={routeHash({ name: p.name })} aria-current={current === p.name ? 'page' : undefined}>
          {p.label}
          {p.name === 'review' && toReview !== null && toReview > 0 && (
            <span className="nav-count" aria-label={`${toReview} to review`}>
              {toReview > 999 ? '999+' : toReview}
            </span>
          )}
        </a>
      ))}
    </nav>
  )
}
