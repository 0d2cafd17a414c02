// express 5 ships no types and @types/express is not a dependency: the agents' routes type the requests and
// responses they use themselves (see agents/x402/server.ts).
declare module "express";
