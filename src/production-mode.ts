// The compiled binary is the production build: `npm run build` defines process.env.NODE_ENV as "production".
// Elysia, though, decides once, when its module loads, from Bun.env.NODE_ENV, which a define cannot reach; so
// this module, main.ts's first import, copies the built-in value over before anything imports Elysia.
// From source (`npm start`, tests) process.env.NODE_ENV is whatever the environment says, and this changes nothing.
if (process.env.NODE_ENV === "production") Bun.env.NODE_ENV = "production";
