import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createUser, expectError, uniqueUsername } from '../../helpers/factories.js';

const configuredAdmin = randomUUID();

describe('PATCH /users/me and GET /users/me', () => {
  const t = useTestApp({ ADMIN_USER_IDS: configuredAdmin });

  const patch = (token: string, payload: Record<string, unknown>) =>
    t.request({ method: 'PATCH', url: '/users/me', token, payload });

  it('changes only the fields sent', async () => {
    const user = await createUser(t, { displayName: 'Before' });
    const res = await patch(user.token, { bio: 'Options, mostly.' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      username: user.username,
      display_name: 'Before',
      bio: 'Options, mostly.',
      timezone: 'UTC',
    });
    const all = await patch(user.token, {
      display_name: 'After',
      timezone: 'Europe/London',
      bio: '',
    });
    expect(all.json()).toMatchObject({ display_name: 'After', timezone: 'Europe/London', bio: '' });
  });

  it('answers an empty body with the profile unchanged', async () => {
    const user = await createUser(t);
    const before = await t.request({ method: 'GET', url: '/users/me', token: user.token });
    const res = await patch(user.token, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(before.json());
  });

  it('renames, frees the old name, and refuses a taken one in any case', async () => {
    const user = await createUser(t);
    const other = await createUser(t);
    const fresh = uniqueUsername('Renamed');
    expect((await patch(user.token, { username: fresh })).json().username).toBe(fresh);
    // a change of case of one's own name is not a conflict
    expect((await patch(user.token, { username: fresh.toUpperCase() })).statusCode).toBe(200);
    expectError(
      await patch(user.token, { username: other.username.toUpperCase() }),
      409,
      'username_taken',
    );
    expectError(await patch(user.token, { username: 'Settings' }), 422, 'validation_error');
    const third = await createUser(t);
    expect((await patch(third.token, { username: user.username })).statusCode).toBe(200);
  });

  it('replaces interests as a whole, and clears them with []', async () => {
    const user = await createUser(t);
    expect((await patch(user.token, { interests: ['msft', '$nvda'] })).json().interests).toEqual([
      'MSFT',
      'NVDA',
    ]);
    expect((await patch(user.token, { interests: ['NVDA', 'amd'] })).json().interests).toEqual([
      'AMD',
      'NVDA',
    ]);
    expect((await patch(user.token, { bio: 'x' })).json().interests).toEqual(['AMD', 'NVDA']);
    expect((await patch(user.token, { interests: [] })).json().interests).toEqual([]);
    const rows = await t.db
      .selectFrom('user_interests')
      .select('symbol')
      .where('user_id', '=', user.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses bad values with 422 and changes nothing', async () => {
    const user = await createUser(t, { displayName: 'Steady' });
    for (const body of [
      { display_name: '' },
      { display_name: 'tab\there' },
      { bio: 'x'.repeat(161) },
      { bio: 'escape \u001b[31m red' },
      { timezone: 'Not/AZone' },
      { interests: ['TOOLONGSYMBOL'] },
      { username: 'no spaces allowed' },
      { display_name: 'fine', timezone: 'bad zone' },
    ]) {
      expectError(await patch(user.token, body), 422, 'validation_error');
    }
    const me = await t.request({ method: 'GET', url: '/users/me', token: user.token });
    expect(me.json()).toMatchObject({ display_name: 'Steady', bio: '', timezone: 'UTC' });
  });

  it('keeps hostile text verbatim', async () => {
    const user = await createUser(t);
    const bio = `Robert'); DROP TABLE students;-- <script>document.cookie</script> \u202Eevil`;
    const res = await patch(user.token, { bio, display_name: '"><svg onload=alert(1)>' });
    expect(res.json()).toMatchObject({ bio, display_name: '"><svg onload=alert(1)>' });
    const profile = await t.request({ method: 'GET', url: `/users/${user.id}` });
    expect(profile.json().bio).toBe(bio);
  });

  it('answers 401 without a token and to a JSON body that is not JSON', async () => {
    expectError(await patch('', { bio: 'x' }), 401, 'unauthorized');
    const user = await createUser(t);
    const res = await t.request({
      method: 'PATCH',
      url: '/users/me',
      token: user.token,
      headers: { 'content-type': 'application/json' },
      payload: '{"bio": ',
    });
    expectError(res, 400, 'bad_request');
  });

  it('moves updated_at when a field changes', async () => {
    const user = await createUser(t);
    await t.db
      .updateTable('users')
      .set({ updated_at: new Date('2020-01-01T00:00:00Z') })
      .where('id', '=', user.id)
      .execute();
    await patch(user.token, { bio: 'new' });
    const row = await t.db
      .selectFrom('users')
      .select('updated_at')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.updated_at.getTime()).toBeGreaterThan(new Date('2021-01-01').getTime());
  });

  it('says is_admin for users.is_admin and ADMIN_USER_IDS', async () => {
    const flagged = await createUser(t, { admin: true });
    const me = await t.request({ method: 'GET', url: '/users/me', token: flagged.token });
    expect(me.json().is_admin).toBe(true);

    await t.db
      .insertInto('users')
      .values({
        id: configuredAdmin,
        username: uniqueUsername(),
        display_name: 'cfg',
        timezone: 'UTC',
      })
      .execute();
    const token = await t.token(configuredAdmin);
    const configured = await t.request({ method: 'GET', url: '/users/me', token });
    expect(configured.json().is_admin).toBe(true);

    const plain = await createUser(t);
    const res = await t.request({ method: 'GET', url: '/users/me', token: plain.token });
    expect(res.json().is_admin).toBe(false);
  });
});
