// fast-xml-parser, the one XML library, used through this module only: report/ writes junit.xml with its
// builder and reads the project's own JUnit files with its parser; inventory/ reads xbps's package database
// (a property list) with it. Its parser never fetches an external entity, and bounds the expansion of those
// a document declares, so a hostile file cannot make it read the host or blow up.
export { XMLBuilder, XMLParser } from 'fast-xml-parser';
