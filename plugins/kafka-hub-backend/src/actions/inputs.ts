import { ActionsRegistryActionOptions } from '@backstage/backend-plugin-api/alpha';

/** The zod the actions registry hands to each schema. */
export type Zod = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

/** An entity ref argument, as agents are told to write it. */
export const entityRefInput = (z: Zod) =>
  z
    .string()
    .min(1)
    .describe(
      'The catalog entity ref of the application, e.g. component:default/orders-service',
    );

/** The environment argument of a group or subject. */
export const environmentInput = (z: Zod) =>
  z.string().min(1).describe('The Kafka Hub environment, e.g. dev or prod');

/** A page size argument. */
const limitInput = (z: Zod, max: number, fallback: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .optional()
    .describe(`How many to return (default ${fallback}, at most ${max})`);

/**
 * The filters and paging every list action takes; `things` names what is
 * listed (e.g. "groups") in the owner's description.
 */
export const listFilterInputs = (z: Zod, things: string) => ({
  entityRef: entityRefInput(z).optional(),
  owner: z
    .string()
    .optional()
    .describe(
      `An owner's entity ref, e.g. group:default/team-orders: its applications' ${things}`,
    ),
  environment: environmentInput(z).optional(),
  limit: limitInput(z, 200, 50),
  offset: z.number().int().min(0).optional(),
});
