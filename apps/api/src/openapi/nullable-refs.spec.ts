import type { OpenAPIObject } from '@nestjs/swagger';
import { NULL_ONLY, withNullableRefs } from './nullable-refs';

const documentOf = (schemas: Record<string, object>): OpenAPIObject => ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: {}, components: { schemas } });

describe('withNullableRefs', () => {
  const ref = { $ref: '#/components/schemas/Model' };

  it('says a model-or-null property as either the model or null, its description kept', () => {
    const { components } = withNullableRefs(documentOf({ Host: { type: 'object', properties: { model: { nullable: true, type: 'object', description: 'd', allOf: [ref] } } } }));
    expect(components!.schemas!['Host']).toEqual({ type: 'object', properties: { model: { description: 'd', anyOf: [ref, NULL_ONLY] } } });
  });

  it('finds them in array items and maps, and leaves a model that may not be null as it was', () => {
    const input = {
      Host: {
        type: 'object',
        properties: {
          list: { type: 'array', items: { nullable: true, type: 'object', allOf: [ref] } },
          map: { type: 'object', additionalProperties: { nullable: true, type: 'object', allOf: [ref] } },
          plain: { description: 'while running', allOf: [ref] },
          text: { type: 'string', nullable: true },
        },
      },
    };
    const properties = (withNullableRefs(documentOf(input)).components!.schemas!['Host'] as { properties: Record<string, unknown> }).properties;
    expect(properties).toEqual({
      list: { type: 'array', items: { anyOf: [ref, NULL_ONLY] } },
      map: { type: 'object', additionalProperties: { anyOf: [ref, NULL_ONLY] } },
      plain: { description: 'while running', allOf: [ref] },
      text: { type: 'string', nullable: true },
    });
  });
});
