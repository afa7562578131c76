import type { OpenAPIObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';

/**
 * A schema that `null` alone matches, in OpenAPI 3.0's words: `nullable` adds null to the `type`
 * beside it, and the `enum` then leaves nothing else.
 */
export const NULL_ONLY: SchemaObject = { type: 'object', nullable: true, enum: [null] };

type Schema = SchemaObject | ReferenceObject;

const isNullableRef = (schema: SchemaObject): boolean =>
  schema.nullable === true && schema.allOf?.length === 1 && '$ref' in schema.allOf[0]! && schema.oneOf === undefined && schema.anyOf === undefined;

/**
 * The document with each model-or-null property said so that a validator reads it as one.
 *
 * For `@ApiProperty({ type: Model, nullable: true })` Nest writes `{nullable: true, type: 'object',
 * allOf: [{$ref: Model}]}` (a `$ref`'s siblings are ignored in OpenAPI 3.0, so `nullable` goes
 * beside an `allOf`). But `nullable` only adds null to the type of its own schema: the model
 * inside the `allOf` still refuses it, and a validator (ajv) or a client generated from the
 * document takes the `null` the server sends for a wrong answer. Rewritten as what it means,
 * `anyOf: [{$ref: Model}, NULL_ONLY]`, its description and the rest kept.
 */
export function withNullableRefs(document: OpenAPIObject): OpenAPIObject {
  const visit = (schema: Schema): Schema => {
    if ('$ref' in schema) return schema;
    const seen: SchemaObject = { ...schema };
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) if (seen[key]) seen[key] = seen[key].map(visit);
    if (seen.items) seen.items = visit(seen.items);
    if (seen.properties) seen.properties = Object.fromEntries(Object.entries(seen.properties).map(([name, property]) => [name, visit(property)]));
    if (typeof seen.additionalProperties === 'object') seen.additionalProperties = visit(seen.additionalProperties);
    if (!isNullableRef(seen)) return seen;
    const { nullable: _nullable, type: _type, allOf, ...rest } = seen;
    return { ...rest, anyOf: [allOf![0]!, NULL_ONLY] };
  };
  const schemas = document.components?.schemas ?? {};
  return {
    ...document,
    components: { ...document.components, schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, visit(schema)])) },
  };
}
