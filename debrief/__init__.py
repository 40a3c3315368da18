"""The `debrief` command: the composition root that wires the product (bot/), its storage and the
platform adapters together. It sits outside bot/, which must never import adapters/."""
