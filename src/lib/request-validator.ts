import {
  AjvCompiler,
  type BuildCompilerFromPool,
  type ErrorObject,
  type ValidatorCompiler,
} from '@fastify/ajv-compiler';

type Validate = ReturnType<ValidatorCompiler>;

const ajvCompilers = AjvCompiler();
const AJV_OPTIONS = { allErrors: true, removeAdditional: false } as const;

/**
 * Request validation, by part (Fastify's `schemaController.compilersFactory.buildValidator`).
 * A query string and path parameters are text, so their values are coerced to the schema's
 * types (`limit=20` is the number 20; a lone `?id=x` is a list where the schema wants one). A
 * JSON body carries its own types: a number sent for a string, or a string for a list, is a
 * 422 rather than quietly converted.
 *
 * A JSON body is closed: an object of a body schema that does not say otherwise refuses a
 * property it does not define (a typo in a field name is a 422 naming it, never silently
 * dropped). Query strings stay open.
 */
export const buildRequestValidator: BuildCompilerFromPool = (externalSchemas, options) => {
  const coercing = ajvCompilers(externalSchemas, {
    ...options,
    mode: undefined,
    customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' },
  });
  const strict = ajvCompilers(externalSchemas, {
    ...options,
    mode: undefined,
    customOptions: { ...AJV_OPTIONS, coerceTypes: false, verbose: true },
  });
  return (route) =>
    route.httpPart === 'body'
      ? strict({ ...route, schema: closed(route.schema) })
      : refuseNonFinite(coercing(route));
};

/**
 * A copy of a schema where every object with `properties` and no `additionalProperties` of
 * its own gets `additionalProperties: false`. The route's schema itself (which the OpenAPI
 * document is made from) is left as it is.
 */
export function closed<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(closed) as T;
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `properties` maps names to schemas; `const`, `default` and examples are data
    if (key === 'const' || key === 'default' || key === 'examples' || key === 'enum') {
      copy[key] = value;
    } else if (key === 'properties' && value && typeof value === 'object') {
      copy[key] = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, closed(property)]),
      );
    } else {
      copy[key] = closed(value);
    }
  }
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) {
    copy.additionalProperties = false;
  }
  return copy as T;
}

/**
 * Ajv (8.17) coerces the text "1e309" or "Infinity" to a number that passes as an `integer`
 * and skips `minimum`/`maximum`, so `?limit=1e309` reached SQL. After a coercing validation,
 * any number left that is not finite fails it, as a wrong type would.
 */
function refuseNonFinite(validate: Validate): Validate {
  const checked = ((data: unknown, context?: unknown) => {
    const valid = (validate as (data: unknown, context?: unknown) => boolean)(data, context);
    checked.errors = valid ? nonFinite(data) : validate.errors;
    return checked.errors === null || checked.errors === undefined;
  }) as Validate;
  return Object.assign(checked, { schema: validate.schema, schemaEnv: validate.schemaEnv });
}

function nonFinite(data: unknown): ErrorObject[] | null {
  if (!data || typeof data !== 'object') return null;
  for (const [key, value] of Object.entries(data)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'number' && !Number.isFinite(v))) {
      return [
        {
          instancePath: `/${key}`,
          schemaPath: '#/type',
          keyword: 'type',
          params: {},
          message: 'must be a finite number',
        },
      ];
    }
  }
  return null;
}
