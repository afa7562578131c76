import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { RELEASE } from '@roster-ledger/config';
import { withNullableRefs } from './nullable-refs';
import { ProblemSchema } from './problem.schema';
import { API_KEY_SCHEME, BEARER_SCHEME } from './security-schemes';

export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

const DESCRIPTION = `The Roster Ledger: every roster change a school district shared through Clever, as immutable events.

Every endpoint but /health needs an API key, as \`Authorization: Bearer <key>\` or \`X-Api-Key: <key>\`
(two different keys, one in each, are refused with 400; the same key in both is one key).
Roles: admin, engineer, compliance, support. Personal data is shown by role: compliance and admin see
everything, support names, emails and numbers (no demographics, birth dates or addresses), engineers ids only.
Every read that shows a student's personal data is written to the access log.

Times: \`observedAt\` is when a sync saw the change (the ledger's clock; for the approval or discard of a held sync, or a sync found interrupted, when that was decided), \`recordedAt\` when the ledger wrote it,
\`cleverLastModified\` Clever's own clock. Parameters take ISO-8601 dates (2025-10-01) or timestamps with a zone;
\`asOf=2025-10-01\` means the END of that day (UTC), \`from\` is inclusive, \`to\` exclusive (\`to=2025-10-01\` includes that day).

Errors are application/problem+json (RFC 9457) with a stable \`code\`, those of a request no operation here takes too: a path
no endpoint has is 404 \`ROUTE_NOT_FOUND\`, a path asked with a method it does not take 405 \`METHOD_NOT_ALLOWED\` (its \`Allow\` header names those it takes).`;

/** The OpenAPI document (`/docs-json`) and Swagger UI (`/docs`), outside the API-key guard. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Roster Ledger API')
    .setDescription(DESCRIPTION)
    .setVersion(RELEASE)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'Authorization: Bearer <key>' }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'X-Api-Key: <key>' }, API_KEY_SCHEME)
    .build();
  const document = withNullableRefs(SwaggerModule.createDocument(app, config, { extraModels: [ProblemSchema] }));
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: DOCS_JSON_PATH, customSiteTitle: 'Roster Ledger API' });
  return document;
}
