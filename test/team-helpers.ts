// Admins of every role, made the way an owner makes them: invitation, then the one-time link.
import type { Role } from "../src/auth/service";
import { ORIGIN, type TestApp } from "./helpers";

export type Member = { email: string; password: string; role: Role; id: number; token: string };

/** Invites `email` as `role` with the owner's token, accepts the link, and issues a token. */
export async function addMember(
  t: TestApp,
  ownerToken: string,
  role: Role,
  email = `${role}@test.example`,
) {
  const invited = await t.api(ownerToken, "POST", "/api/v1/admins", { email, role });
  if (invited.status !== 201) throw new Error(`invite failed with ${invited.status}`);
  const body = (await invited.json()) as { id: number; invite_url: string };
  const password = `${role} password long enough`;
  const accepted = await t.form(new URL(body.invite_url).pathname, { password });
  if (accepted.status !== 303) throw new Error(`accepting failed with ${accepted.status}`);
  const issued = await t.request("/api/v1/tokens", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const { token } = (await issued.json()) as { token: string };
  return { email, password, role, id: body.id, token } satisfies Member;
}

export const originHeaders = { Origin: ORIGIN };
