import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';

describe('the OpenAPI document for users and media', () => {
  const t = useTestApp();

  it('covers every route with its schemas, and the uploads as multipart', async () => {
    interface Operation {
      operationId: string;
      tags: string[];
      responses: Record<string, unknown>;
      requestBody: { content: Record<string, unknown> };
    }
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = {
      '/users/me': ['get', 'patch'],
      '/users/me/onboarding': ['post'],
      '/users/me/profile-picture': ['post', 'delete'],
      '/users/{user_id}': ['get'],
      '/users/by-username/{username}': ['get'],
      '/media/upload': ['post'],
    };
    for (const [path, methods] of Object.entries(operations)) {
      for (const method of methods) {
        const operation = doc.paths[path]?.[method];
        expect(operation, `${method} ${path}`).toBeDefined();
        expect(operation!.operationId).toEqual(expect.any(String));
        expect(operation!.tags).toEqual([expect.stringMatching(/^(users|media)$/)]);
        expect(Object.keys(operation!.responses)).toContain('401');
      }
    }
    const upload = doc.paths['/media/upload']!.post!;
    expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
    expect(Object.keys(upload.responses)).toEqual(
      expect.arrayContaining(['201', '413', '415', '422']),
    );
    expect(doc.paths['/users/me/onboarding']!.post!.responses).toHaveProperty('409');
  });
});
