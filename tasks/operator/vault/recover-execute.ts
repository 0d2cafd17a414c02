export { execute as default } from "./recover.js";
