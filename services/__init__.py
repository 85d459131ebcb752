"""The three ComplaintDesk services, each its own process: intake, classifier and tracker."""
