import type { App } from '../../app-type.js';
import { Poll } from '../../core/polls.js';
import { PollIdParams } from '../../lib/schemas.js';
import { currentUserId, viewerId } from '../../plugins/auth.js';
import { VoteBody } from './polls.schemas.js';
import { getPoll, vote } from './polls.service.js';

export default async function pollsRoutes(app: App) {
  app.post(
    '/polls/:poll_id/votes',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'votePoll',
        summary: 'Vote in a poll',
        description:
          'One vote per user, while the poll is open: 409 already_voted, 409 poll_closed; ' +
          'an option of another poll is a 422.',
        tags: ['polls'],
        params: PollIdParams,
        body: VoteBody,
        response: { 201: Poll },
      },
    },
    async (request, reply) => {
      const poll = await vote(
        app.db,
        request.params.poll_id,
        currentUserId(request),
        request.body.option_id,
      );
      return reply.status(201).send(poll);
    },
  );

  app.get(
    '/polls/:poll_id/results',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getPollResults',
        summary: 'Tallies of a poll',
        tags: ['polls'],
        params: PollIdParams,
        response: { 200: Poll },
      },
    },
    async (request) => getPoll(app.db, request.params.poll_id, viewerId(request)),
  );
}
