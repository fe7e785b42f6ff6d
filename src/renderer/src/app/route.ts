/** Routes live in the location hash so Back/Forward work in both hosts without a server router. */
export type Route = { name: 'library' } | { name: 'clip'; id: number }

export function parseRoute(hash: string): Route {
  const match = /^#\/clip\/(\d{1,15})\/?$/.exec(hash)
  if (match?.[1]) {
    const id = Number(match[1])
    if (Number.isSafeInteger(id) && id >= 1) return { name: 'clip', id }
  }
  return { name: 'library' }
}

export function routeHash(route: Route): string {
  return route.name === 'clip' ? `#/clip/${route.id}` : '#/'
}
