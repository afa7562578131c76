import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import { DOCS_JSON_PATH, DOCS_PATH } from '../openapi/openapi';

/** `GET /`: where to go from here, for someone who opened the server's address. */
@ApiExcludeController()
@Controller()
@Public()
export class ApiIndexController {
  @Get()
  index(): Record<string, string> {
    return {
      name: 'Roster Ledger API',
      docs: `/${DOCS_PATH}`,
      openapi: `/${DOCS_JSON_PATH}`,
      ready: '/health/ready',
      auth: 'send an API key as "Authorization: Bearer <key>" or "X-Api-Key: <key>"',
    };
  }
}
