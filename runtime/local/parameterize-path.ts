/** A path segment that is an id: digits, a UUID/GUID, or a ULID (the extension's test). */
const ID_SEGMENT = /^\d*$|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0123456789ABCDEFGHJKMNPQRSTVWXYZ]{26}/;

/**
 * The request path with its id segments replaced by `{<previous segment, singular>_id}`, as
 * the extension names API Gateway resources (`parameterize_api_resource` in bottlecap's
 * `triggers/mod.rs`), so one route is one resource however many ids it serves. A path that
 * already has `{…}` parameters is kept, and the root stays `/`.
 *
 * @example
 * parameterizePath('/dev/users/42/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV'); // '/dev/users/{user_id}/orders/{order_id}'
 */
export function parameterizePath(path: string): string {
  if (path.includes('{') && path.includes('}')) return path;
  const parts = path.split('/');
  const out = [''];
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    if (!ID_SEGMENT.test(part)) {
      out.push(part);
      continue;
    }
    const previous = i > 1 ? parts[i - 1] : '';
    if (!previous) {
      out.push('{id}');
      continue;
    }
    const singular = previous.replace(/s+$/, '');
    out.push(singular === 'id' ? '{id}' : `{${singular}_id}`);
  }
  // The extension's join leaves the root path empty (resource `GET `); the root is `/`.
  return out.join('/') || '/';
}
