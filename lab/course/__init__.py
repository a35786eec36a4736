"""The lessons' content: experiments, demos, exercises and checks, built on a target."""
