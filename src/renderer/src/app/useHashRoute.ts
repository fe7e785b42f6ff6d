import { useSyncExternalStore } from 'react'
import { parseRoute, routeHash, type Route } from './route'

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}
const getHash = (): string => location.hash

export function useHashRoute(): Route {
  // Subscribing to the string (not a parsed object) keeps the snapshot stable between renders.
  return parseRoute(useSyncExternalStore(subscribe, getHash))
}

export function navigate(route: Route): void {
  const hash = routeHash(route)
  if (location.hash !== hash) location.hash = hash
}
