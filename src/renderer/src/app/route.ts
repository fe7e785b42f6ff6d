/** Routes live in the location hash so Back/Forward work in both hosts without a server router. */
export type Route =
  | { name: 'library' }
  | { name: 'clip'; id: number }
  | { name: 'review'; id?: number }
  | { name: 'labels' }
  | { name: 'insights' }
  | { name: 'training' }
  | { name: 'settings' }

export type PageName = Route['name']

const id = (text: string | undefined): number | null => {
  if (!text) return null
  const n = Number(text)
  return Number.isSafeInteger(n) && n >= 1 ? n : null
}

export function parseRoute(hash: string): Route {
  const clip = /^#\/clip\/(\d{1,15})\/?$/.exec(hash)
  if (clip) {
    const n = id(clip[1])
    if (n !== null) return { name: 'clip', id: n }
  }
  const review = /^#\/review(?:\/(\d{1,15}))?\/?$/.exec(hash)
  if (review) {
    const n = id(review[1])
    return n !== null ? { name: 'review', id: n } : { name: 'review' }
  }
  if (/^#\/labels\/?$/.test(hash)) return { name: 'labels' }
  if (/^#\/insights\/?$/.test(hash)) return { name: 'insights' }
  if (/^#\/training\/?$/.test(hash)) return { name: 'training' }
  if (/^#\/settings\/?$/.test(hash)) return { name: 'settings' }
  return { name: 'library' }
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'clip':
      return `#/clip/${route.id}`
    case 'review':
      return route.id ? `#/review/${route.id}` : '#/review'
    case 'library':
      return '#/'
    default:
      return `#/${route.name}`
  }
}
