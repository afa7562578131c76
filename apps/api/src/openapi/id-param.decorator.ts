import { ApiParam } from '@nestjs/swagger';

/** What the `:id` of each kind of path is, with an id of that kind from the demo district where it has one. */
const ID_PARAMS = {
  account: { description: "the account's Clever id (a user: student, teacher, staff or district admin)", example: '5a25ffb0c1bc2a00360003ee' },
  class: { description: "the class's Clever section id", example: '5a25ffc265e950634b000182' },
  school: { description: "the school's Clever id", example: '5a25ff950a5f621109000004' },
  district: { description: "the district's Clever id", example: '5a0c91b95c7cc000010d417c' },
  // the demo district's files hold no terms or courses (its sections name ids no file describes)
  term: { description: "the term's Clever id" },
  course: { description: "the course's Clever id" },
  sync: { description: 'the sync id (a UUID, as `syncs` lists it)', example: '5b8104b5-021e-4fa0-b85a-f96fdc39c6db' },
  job: { description: 'the job id (a UUID, from the answer that started it, or `GET /projections/jobs`)', example: '0b5e2c1d-8f3a-4c6e-9d2b-7a1f0e3c5b4d' },
} as const;

/**
 * Documents a path's `:id` as the kind of id it takes: one DTO validates every `:id` alike, and
 * would describe each the same way (a student's id as the example of a sync's).
 */
export const ApiIdParam = (kind: keyof typeof ID_PARAMS) => ApiParam({ name: 'id', type: String, ...ID_PARAMS[kind] });
