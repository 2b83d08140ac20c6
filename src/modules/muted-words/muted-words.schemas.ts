import { type Static, Type } from 'typebox';
import { Nullable, Text, Timestamp, Uuid } from '../../lib/schemas.js';

export const MAX_MUTED_WORDS = 100;

export const MutedWord = Type.Object(
  {
    id: Uuid,
    word: Type.String({ description: 'as muted: a word, a phrase, or `$SYMBOL` for a ticker' }),
    expires_at: Nullable(Type.String({ format: 'date-time', description: 'null: until unmuted' })),
    created_at: Timestamp,
  },
  { $id: 'MutedWord', title: 'MutedWord' },
);
export type MutedWord = Static<typeof MutedWord>;

export const MutedWords = Type.Object({
  items: Type.Array(MutedWord, { description: 'the words that apply now, newest first' }),
});

export const NewMutedWord = Type.Object(
  {
    word: Text({
      maxLength: 400,
      description:
        '1-100 characters after trimming: a word or phrase (whole words, any case), or ' +
        '`$SYMBOL` to mute the posts that mention a ticker',
    }),
    expires_in_hours: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 8760, description: 'unset: until unmuted' }),
    ),
  },
  { additionalProperties: false },
);
export type NewMutedWord = Static<typeof NewMutedWord>;

export const MutedWordParams = Type.Object({ muted_word_id: Uuid });
