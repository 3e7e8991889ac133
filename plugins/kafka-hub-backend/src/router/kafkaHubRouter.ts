import { InputError } from '@backstage/errors';
import express, { ErrorRequestHandler, Request } from 'express';
import { createOpenApiRouter, spec } from '../schema/openapi';

/**
 * The router generated from `src/schema/openapi.yaml`: it answers 400,
 * naming the parameter, before a handler sees a request that breaks the
 * contract, and types each handler's parameters and body.
 */
export type KafkaHubRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/** A request to any route of the contract, whatever its parameters. */
export type AnyRequest = Request<any, any, any, any>;

/** What each pattern of the contract asks for, in words. */
const PATTERN_MEANINGS = new Map<string, string>([
  [
    spec.components.schemas.EntityRef.pattern,
    'an entity ref like component:default/my-service',
  ],
  [
    spec.components.schemas.EnvironmentName.pattern,
    "an environment name (letters, digits, '-' and '_')",
  ],
  [
    spec.components.parameters.application.schema.pattern,
    'an application slug (a lower-case letter followed by at most 62 lower-case letters, digits or hyphens)',
  ],
  [
    spec.components.schemas.SchemaCompatibilityRequest.properties.schema
      .pattern,
    'a non-blank string',
  ],
]);

const PATTERN_ERROR = /^(\S+) must match pattern "(.*)"$/;

/**
 * The validator names the parameter but words a broken pattern as the
 * regular expression; this says what it asks for instead.
 */
const explainPatterns: ErrorRequestHandler = (error, _req, _res, next) => {
  const match =
    error instanceof InputError ? PATTERN_ERROR.exec(error.message) : null;
  const meaning = match && PATTERN_MEANINGS.get(match[2]);
  next(meaning ? new InputError(`${match[1]} must be ${meaning}`) : error);
};

/** The contract's router, with error texts that say what a pattern means. */
export async function createKafkaHubRouter(): Promise<KafkaHubRouter> {
  const router = await createOpenApiRouter({
    // Proposed schemas for the compatibility check can be large.
    middleware: [express.json({ limit: '1mb' })],
  });
  router.use(explainPatterns);
  return router;
}
