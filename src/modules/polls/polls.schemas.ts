import { type Static, Type } from 'typebox';
import { Uuid } from '../../lib/schemas.js';

export const VoteBody = Type.Object({ option_id: Uuid });
export type VoteBody = Static<typeof VoteBody>;
