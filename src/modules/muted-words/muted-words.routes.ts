import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { currentUserId } from '../../plugins/auth.js';
import { MutedWord, MutedWordParams, MutedWords, NewMutedWord } from './muted-words.schemas.js';
import { listMutedWords, muteWord, unmuteWord } from './muted-words.service.js';

const appliesTo =
  'A muted word hides the posts that hold it (whole words, any case; a phrase matches across ' +
  'punctuation) from your feeds, `GET /posts`, search, streams and notifications. `$SYMBOL` ' +
  "hides the posts that mention the ticker, except on that ticker's own page and stream. " +
  "Nothing is hidden on an author's profile.";

export default async function mutedWordsRoutes(app: App) {
  app.get(
    '/users/me/muted-words',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'listMutedWords',
        summary: 'Your muted words',
        description: `${appliesTo} Expired words are left out.`,
        tags: ['preferences'],
        response: { 200: MutedWords },
      },
    },
    async (request) => listMutedWords(app.db, currentUserId(request)),
  );

  app.post(
    '/users/me/muted-words',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'muteWord',
        summary: 'Mute a word, a phrase or a ticker',
        description: `${appliesTo} At most 100 (422). Muting a word again renews its expiry.`,
        tags: ['preferences'],
        body: NewMutedWord,
        response: { 201: MutedWord },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await muteWord(app.db, currentUserId(request), request.body)),
  );

  app.delete(
    '/users/me/muted-words/:muted_word_id',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'unmuteWord',
        summary: 'Unmute a word',
        description: '404 for an id that is not one of your muted words.',
        tags: ['preferences'],
        params: MutedWordParams,
        response: { 204: Type.Null({ description: 'unmuted' }) },
      },
    },
    async (request, reply) => {
      await unmuteWord(app.db, currentUserId(request), request.params.muted_word_id);
      return reply.status(204).send(null);
    },
  );
}
