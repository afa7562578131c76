import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ApiAnswer } from './api-client';

interface MediaType {
  schema?: object;
}
interface Operation {
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

/** Where the document is kept for ajv, so that a schema's `#/components/...` refs resolve in it. */
const DOCUMENT_ID = 'roster-ledger-openapi.json';

/** A JSON pointer's token (RFC 6901). */
const token = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The API's answers held against the OpenAPI document it serves: the schema declared for the
 * path, method, status and content type an answer came with, checked by ajv (which reads
 * OpenAPI 3.0's `nullable`). An object sends only the properties its schema declares, unless the
 * schema says it may hold others (`additionalProperties`): a field a client cannot know of is a
 * mismatch too. `mismatch` says what is wrong with an answer, or null.
 */
export class OpenApiResponses {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp }[];

  constructor(readonly document: OpenApiDocument) {
    // strict off: the document's own keywords (example, paths, ...) are no JSON Schema keywords
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(closed(document), DOCUMENT_ID);
    this.templates = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** The document's path for a request's path (its query aside), or null when it has none. */
  templateOf(path: string): string | null {
    const bare = path.split('?')[0]!;
    return this.templates.find(({ pattern }) => pattern.test(bare))?.template ?? null;
  }

  /** A component schema's validator, for answers no operation declares (an unknown path, a method a path does not take). */
  component(name: string): ValidateFunction {
    return this.validator(`#/components/schemas/${token(name)}`);
  }

  /** What is wrong with an answer to `method path` by the document, or null when it is as declared. */
  mismatch(method: string, path: string, answer: ApiAnswer): string | null {
    const template = this.templateOf(path);
    if (template === null) return `${path} is no path of the document`;
    const operation = this.document.paths[template]![method.toLowerCase()];
    if (operation === undefined) return `${method} ${template} is not in the document`;
    const response = operation.responses[String(answer.status)];
    if (response === undefined) return `${answer.status} is not declared for ${method} ${template} (it declares ${Object.keys(operation.responses).join(', ')})`;
    const contentType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = response.content?.[contentType];
    if (media === undefined) return `${contentType || 'no content type'} is not declared for ${method} ${template} ${answer.status} (it declares ${Object.keys(response.content ?? {}).join(', ') || 'no body'})`;
    // a CSV is checked by its content type alone
    if (!/json/.test(contentType)) return null;
    const pointer = ['paths', template, method.toLowerCase(), 'responses', String(answer.status), 'content', contentType, 'schema'].map(token).join('/');
    let validate: ValidateFunction;
    try {
      validate = this.validator(`#/${pointer}`);
    } catch (error) {
      return `its declared schema is no schema ajv can check: ${(error as Error).message}`;
    }
    return this.errorsOf(validate, answer.body);
  }

  /** What is wrong with a body by a validator, or null. */
  errorsOf(validate: ValidateFunction, body: unknown): string | null {
    return validate(body) ? null : describe(validate.errors ?? [], body);
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (validate === undefined) {
      validate = this.ajv.getSchema(`${DOCUMENT_ID}${pointer}`);
      if (validate === undefined) throw new Error(`the document has no schema at ${pointer}`);
      this.compiled.set(pointer, validate);
    }
    return validate;
  }
}

/** The document with every object schema that lists its properties closed to others, unless it says otherwise. */
function closed<T>(value: T): T {
  if (Array.isArray(value)) return value.map(closed) as T;
  if (typeof value !== 'object' || value === null) return value;
  const copy = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, closed(inner)])) as Record<string, unknown>;
  if (typeof copy['properties'] === 'object' && copy['additionalProperties'] === undefined) copy['additionalProperties'] = false;
  return copy as T;
}

/** ajv's errors, each with the value at fault (cut short), a few at most. */
function describe(errors: ErrorObject[], body: unknown): string {
  const valueAt = (path: string): unknown => path.split('/').slice(1).reduce<any>((value, key) => value?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], body);
  const shown = errors.slice(0, 8).map((e) => `${e.instancePath || '(body)'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)} (is ${JSON.stringify(valueAt(e.instancePath))?.slice(0, 120)})`);
  return [...shown, ...(errors.length > shown.length ? [`... and ${errors.length - shown.length} more`] : [])].join('; ');
}
