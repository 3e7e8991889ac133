export { TopicTable } from './TopicTable';
