/** Placeholder until the module has code. */
package dev.berth.agent;
