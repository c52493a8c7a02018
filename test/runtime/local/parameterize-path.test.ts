import { parameterizePath } from '../../../runtime/local/parameterize-path';

describe('parameterizePath (bottlecap test_parameterize_resource)', () => {
  it.each([
    ['/users/12345/friends/67890', '/users/{user_id}/friends/{friend_id}'],
    ['/dev/proxy_route/users/12345/friends/67890', '/dev/proxy_route/users/{user_id}/friends/{friend_id}'],
    ['/users/{user_id}/profile', '/users/{user_id}/profile'],
    ['/api/v1/users/12345/settings', '/api/v1/users/{user_id}/settings'],
    ['/orders/123e4567-e89b-12d3-a456-426614174000/items', '/orders/{order_id}/items'],
    ['/dev/user/42/id/50', '/dev/user/{user_id}/id/{id}'],
    ['/42', '/{id}'],
    ['/files/01ARZ3NDEKTSV4RRFFQ69G5FAV', '/files/{file_id}'],
    ['/orders/o-1001', '/orders/o-1001'],
    // Correction: the extension's join gives '' (resource "GET ").
    ['/', '/'],
    ['', '/'],
  ])('%s → %s', (path, expected) => {
    expect(parameterizePath(path)).toBe(expected);
  });
});
