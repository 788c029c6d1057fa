// The demo: recreates the January 2000 story on a new database. Each capability adds its step
// here (list and contacts, incident, poll); each step runs once per database, ever.

import { settings } from "../db/schema";
import { insertAdmin } from "./auth/queries";
import type { Config } from "./config";
import type { Deps } from "./deps";
import { incidentDemoStep } from "./incidents/demo";
import { demoListStep } from "./lists/seed";
import { pollDemoStep } from "./polls/demo";
import { readSetting } from "./settings";
import { statusDemoStep } from "./status/demo";

export type SeedStep = { name: string; run(deps: Deps): Promise<void> };

/**
 * The demo's second admin, a `sender`: large sends wait for a second admin (APPROVAL_THRESHOLD),
 * so a newcomer alone signs in as this one to approve the first's. Published like the first
 * admin's, so created only beside the demo admin (which start refuses on a real deployment).
 */
export const DEMO_SECOND_ADMIN = {
  email: "second@relance.example",
  password: "nets-d-or-2001",
  role: "sender",
} as const;

export const demoSecondAdminStep: SeedStep = {
  name: "second-demo-admin",
  async run(deps) {
    if (!deps.config.admin.isDemo) return;
    const { email, password, role } = DEMO_SECOND_ADMIN;
    await insertAdmin(deps.db, email, await deps.passwords.hash(password), role);
  },
};

/** The start line naming the second demo admin, beside the first; empty when there is none. */
export const demoSecondAdminLine = (config: Config) =>
  config.admin.isDemo && config.seed === "demo"
    ? `email ${DEMO_SECOND_ADMIN.email}  password ${DEMO_SECOND_ADMIN.password}  (second demo admin, a sender: approves the first one's large sends)`
    : "";

export const demoSteps: SeedStep[] = [
  demoListStep,
  statusDemoStep,
  incidentDemoStep,
  pollDemoStep,
  demoSecondAdminStep,
];

export async function seedDemo(deps: Deps, steps: SeedStep[] = demoSteps): Promise<string[]> {
  const ran: string[] = [];
  for (const step of steps) {
    const key = `seed:${step.name}`;
    if ((await readSetting(deps.db, key)) !== undefined) continue;
    await step.run(deps);
    await deps.db
      .insert(settings)
      .values({ key, value: deps.clock.now().toISOString() })
      .onConflictDoNothing();
    ran.push(step.name);
  }
  return ran;
}
