import { type Static, Type } from 'typebox';
import { Nullable } from '../../lib/schemas.js';

export const ReactionBody = Nullable(
  Type.Object({ type: Type.Optional(Type.Literal('like', { description: 'the only kind' })) }),
);

export const ReactionState = Type.Object({
  reacted: Type.Boolean({ description: 'whether you like it now' }),
  reactions: Type.Integer({ description: 'likes it has now' }),
});
export type ReactionState = Static<typeof ReactionState>;
