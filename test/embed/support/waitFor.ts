export { waitFor } from '../../helpers/wait.js';
