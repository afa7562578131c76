import type { Request } from 'express';

/** What the filter needs of a layer of Express's router (the `router` package's Layer and Route). */
interface RouterLayer {
  route?: { methods: Record<string, boolean | undefined> };
  match(path: string): boolean;
}

/**
 * The methods the API answers at a request's path, upper case (HEAD with GET, as Express answers
 * it); none when no route has the path. For a request no route took: a path that is there under
 * another method is a 405 naming these, not a 404 saying there is no such path.
 */
export function allowedMethodsAt(request: Request): string[] {
  const stack = (request.app as unknown as { router?: { stack?: RouterLayer[] } }).router?.stack ?? [];
  const allowed = new Set<string>();
  for (const layer of stack) {
    // (a layer's match sets its params for the request under way; none is under way once answered)
    if (layer.route === undefined || !layer.match(request.path)) continue;
    for (const [method, handles] of Object.entries(layer.route.methods)) if (handles === true && method !== '_all') allowed.add(method.toUpperCase());
  }
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort();
}
