export { waitFor } from '../support/wait.ts';
