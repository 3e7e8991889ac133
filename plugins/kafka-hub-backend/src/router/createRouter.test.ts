import { spec } from '../schema/openapi';
import { createRouter, RouterOptions } from './createRouter';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** `METHOD /path/{param}` of every route an express router serves. */
function servedOperations(router: { stack: Layer[] }): string[] {
  return router.stack.flatMap(({ route }) =>
    route
      ? Object.keys(route.methods).map(
          method =>
            `${method.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`,
        )
      : [],
  );
}

/** `METHOD /path/{param}` of every operation in the contract. */
function contractOperations(): string[] {
  return Object.entries(spec.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map(method => `${method.toUpperCase()} ${path}`),
  );
}

describe('createRouter', () => {
  it('serves exactly the operations of the contract', async () => {
    // Registering the routes reads no service: nothing here is called.
    const router = await createRouter({
      environments: [],
      applications: {},
      schemas: { environments: [] },
      consumerGroups: {},
      topics: { environments: [] },
      messages: {},
      tasks: {},
      claims: {},
    } as unknown as RouterOptions);
    const served = servedOperations(router as unknown as { stack: Layer[] });
    // backend-openapi-utils serves the contract itself.
    expect(served).toContain('GET /openapi.json');
    expect(served.filter(op => op !== 'GET /openapi.json').sort()).toEqual(
      contractOperations().sort(),
    );
    expect(contractOperations()).toHaveLength(23);
  });
});
